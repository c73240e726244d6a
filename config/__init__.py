"""Settings from the environment and the data files that describe objectives and services."""
