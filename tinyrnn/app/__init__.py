"""App layer: controls, links and presets (plain Python), then the few modules that import Streamlit."""
