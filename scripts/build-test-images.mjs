// Builds the images the tests need, locally (no registry is reachable). Filled in by the simulator work.
