module civet-api/bench/peer-go

go 1.21
