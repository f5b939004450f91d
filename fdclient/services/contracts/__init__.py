"""Service packages, contracts and their lifecycle, and the services they plan."""
