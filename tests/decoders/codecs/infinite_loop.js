// Convergence test codec: never returns. The sandbox must stop it.
function decodeUplink(input) {
  var spins = 0;
  while (true) {
    spins++;
  }
}
