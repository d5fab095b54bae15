// Convergence test codec: returns values that are not in the device-repository shape.
function decodeUplink(input) {
  if (input.fPort === 1) return 42;
  if (input.fPort === 2) return { data: [1, 2, 3] };
  if (input.fPort === 3) return { data: {}, errors: [{ code: 1 }] };
  return undefined;
}
