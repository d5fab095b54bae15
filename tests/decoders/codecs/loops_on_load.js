// Convergence test codec: hangs while being loaded, before any decode.
while (true) {}
function decodeUplink(input) {
  return { data: {} };
}
