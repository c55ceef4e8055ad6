"""Agents that write one file together, coordinated through replicas of a shared document."""
