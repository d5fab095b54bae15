"""Video protection: systems and authorisations, access register, habilitations, requisitions."""
