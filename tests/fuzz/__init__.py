"""Property-based and fixed hostile-input tests of the parsers and the staged-batch reader."""
