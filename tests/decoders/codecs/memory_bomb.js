// Convergence test codec: allocates without bound. The sandbox must stop it.
function decodeUplink(input) {
  var hoard = [];
  while (true) {
    hoard.push(new Array(100000).fill(input.fPort));
  }
}
