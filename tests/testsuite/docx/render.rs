//! The DOCX rendered by LibreOffice.
