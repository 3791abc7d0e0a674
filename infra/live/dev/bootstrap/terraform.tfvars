region          = "eu-west-1"
bucket_name     = "civet-api-dev-tfstate"
lock_table_name = "civet-api-dev-tflock"
