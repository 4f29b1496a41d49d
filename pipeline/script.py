"""Bangla script constants shared by normalization, quality scoring and the Bijoy converter."""
from __future__ import annotations

ZWNJ = "\u200c"
ZWJ = "\u200d"
HASANTA = "\u09cd"  # ্
NUKTA = "\u09bc"  # ়
VISARGA = "\u0983"  # ঃ
CHANDRABINDU = "\u0981"  # ঁ
DANDA = "\u0964"  # ।
E_KAR, AA_KAR, AU_LENGTH = "\u09c7", "\u09be", "\u09d7"  # ে া ৗ
# regex character-class bodies
CONSONANT = "\u0995-\u09b9\u09ce\u09dc\u09dd\u09df\u09f0\u09f1"  # ক..হ, ৎ, ড় ঢ় য়, ৰ ৱ
PRE_BASE_SIGN = "\u09bf\u09c7\u09c8"  # ি ে ৈ: drawn before their cluster
VOWEL_SIGN = "\u09be-\u09c4\u09c7\u09c8\u09cb\u09cc\u09d7\u09e2\u09e3"  # া ি ী ু ূ ৃ ৄ ে ৈ ো ৌ ৗ ৢ ৣ
