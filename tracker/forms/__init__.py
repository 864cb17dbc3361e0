"""Form building blocks shared by every area: validators that apply ``tracker.rules`` and
fields for the codebook vocabularies."""
