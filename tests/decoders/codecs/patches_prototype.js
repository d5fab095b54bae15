// Convergence test codec: patches Object.prototype as some vendor libraries do; the input
// must be built inside the engine for the patch to apply to the bytes array.
Object.prototype.readUInt16BE = function (offset) {
  return (this[offset] << 8) | this[offset + 1];
};
function decodeUplink(input) {
  return { data: { level: input.bytes.readUInt16BE(0), local: new Date(0).getHours() } };
}
