"""Rules: each module holds one rule class; scanner.registry finds them by walking this package."""
