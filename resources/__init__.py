"""Run-time files shipped with DepLab: the bundled models (``models/``)."""
