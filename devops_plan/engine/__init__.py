"""The planning engine: pure functions from a validated design to sized, placed and priced
resources (formulas -> services -> pools -> footprint -> cost, availability and DR)."""
