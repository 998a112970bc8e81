module gotracev1fixtures

go 1.19
