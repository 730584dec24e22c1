"""Project tests of the course content: the reference solutions, the generated exercises and the stub generator."""
