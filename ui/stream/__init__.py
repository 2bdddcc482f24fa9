"""The Stream dock: the receive lab, the live chunk timeline and table, the phase bar."""
