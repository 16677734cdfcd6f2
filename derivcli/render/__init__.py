"""Renderers: result objects to rich renderables, plain lines, JSON and LaTeX. They never solve."""
