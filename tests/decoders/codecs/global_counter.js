// Convergence test codec: keeps state in globals it never resets, as the Comtac LPN KM codec
// of the device repository does with `var pointer = 0`. Network servers decode every frame
// with fresh state, so the same frame must always decode the same way.
var pointer = 0;
var seen = { frames: 0, first: null };
function decodeUplink(input) {
  var value = input.bytes[pointer];
  pointer += 1;
  seen.frames += 1;
  if (seen.first === null) {
    seen.first = input.bytes[0];
  }
  // An undeclared name: in sloppy mode this creates a property of the global object.
  calls = typeof calls === "undefined" ? 1 : calls + 1;
  return {
    data: {
      value: value === undefined ? null : value,
      frames: seen.frames,
      calls: calls,
      first: seen.first,
    },
  };
}
