"""The web application: server-rendered pages for the people who use jixiao (sign-in, home, projects, reports)."""
