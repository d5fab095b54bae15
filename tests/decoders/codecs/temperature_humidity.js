// Convergence test codec (device-repository format): a temperature/humidity sensor.
// fPort 1: int16 big-endian temperature in 0.1 °C, uint8 humidity in 0.5 %RH, optional
// uint8 battery in %. Written for Convergence's tests; not a vendor codec.
function decodeUplink(input) {
  if (input.fPort !== 1) {
    return { errors: ["unknown FPort"] };
  }
  var bytes = input.bytes;
  if (bytes.length < 3) {
    return { errors: ["payload too short"] };
  }
  var raw = (bytes[0] << 8) | bytes[1];
  if (raw & 0x8000) {
    raw -= 0x10000;
  }
  var data = { temperature: raw / 10, humidity: bytes[2] / 2 };
  var warnings = [];
  if (bytes.length > 3) {
    data.battery = bytes[3];
    if (bytes[3] < 10) {
      warnings.push("battery low");
    }
  }
  if (input.recvTime) {
    data.received = input.recvTime.toISOString();
  }
  return { data: data, warnings: warnings };
}
