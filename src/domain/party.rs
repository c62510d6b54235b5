//! The Party pipeline's rules (SPEC §4 C-1, §5 P-1 … P-7), pure.
