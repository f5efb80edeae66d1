module example.org/argo

go 1.21
