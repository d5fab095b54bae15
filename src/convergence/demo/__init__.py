"""demo: the live demo territory of `convergence demo`."""
