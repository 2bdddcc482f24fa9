"""Pure text logic, no Qt: HTML to text (render/), the body store, formats and names."""
