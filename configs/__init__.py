"""Shipped configuration, read as package data (`xxgk.resources`): template editions, metadata wordings,
prose facts, cross-check limits, training recipes and the new-edition demo."""
