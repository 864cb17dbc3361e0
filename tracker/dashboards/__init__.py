"""Track-mix dashboards per conflict and the portfolio overview of all conflicts."""
