// Convergence test codec: recurses without end. The sandbox must stop it.
function dive(depth) {
  return dive(depth + 1) + 1;
}
function decodeUplink(input) {
  return { data: { depth: dive(0) } };
}
