"""The unified address library (统一地址库) and the free-text address matcher."""
