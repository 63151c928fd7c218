"""Thin routes: parse the request, call one use case, render or redirect."""
