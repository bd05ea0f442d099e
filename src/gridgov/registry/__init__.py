"""The base data registry: people, homes, organisations, compounds; personal data protection."""
