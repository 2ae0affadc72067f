"""The shipped classifier checkpoints (package data): one folder per version, `CURRENT` names the default.
Read through `xxgk.registry` and `Settings.models_dir`."""
