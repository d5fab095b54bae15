// Convergence test codec: fails on every payload, as a buggy codec would.
function decodeUplink(input) {
  return { data: { first: input.bytes[0].toString(16) } , nested: undefinedFunction() };
}
