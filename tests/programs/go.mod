module gotracefixtures

go 1.25
