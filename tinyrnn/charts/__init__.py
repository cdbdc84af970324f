"""Chart layer: Altair templates, their data and their words. Never Streamlit."""
