"""Opsbook: the service operations platform."""
