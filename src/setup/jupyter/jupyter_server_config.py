# The project's Jupyter server configuration, loaded by src/setup/lab.sh (`npm run lab`) with
# `--config`, on top of the user's own configuration.
c = get_config()  # noqa: F821 (defined by traitlets when this file is loaded)
