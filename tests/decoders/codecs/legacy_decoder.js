// Convergence test codec in the old TTN v2 format: Decoder(bytes, port) returns the data.
// Assigns an undeclared global on purpose, as many legacy codecs do (sloppy mode).
function Decoder(bytes, port) {
  counter = bytes.length;
  return { port: port, length: counter, first: bytes.length ? bytes[0] : null, missing: undefined };
}
