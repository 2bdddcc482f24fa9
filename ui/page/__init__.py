"""One page (a tab): its fetcher, renderer, views and load state."""
