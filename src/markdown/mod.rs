pub mod numbering;
