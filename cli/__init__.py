"""The `xxgk` command line (`main`): the top layer, over the runners, the service and annotations."""
