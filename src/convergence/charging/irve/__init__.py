"""IRVE: the official open-data files of charging stations, built, checked and validated."""
