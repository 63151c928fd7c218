"""Sales control (販売制御): SKU facts -> rule recommendation -> approval -> storefront push."""
