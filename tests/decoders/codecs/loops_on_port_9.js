// Convergence test codec: decodes normally except on fPort 9, where it never returns.
function decodeUplink(input) {
  if (input.fPort === 9) {
    for (;;) {}
  }
  return { data: { port: input.fPort, size: input.bytes.length } };
}
