"""Harness for the browser tests: Jupyter front ends and Chromium."""
