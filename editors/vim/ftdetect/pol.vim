" polc policies: *.pol
autocmd BufNewFile,BufRead *.pol setfiletype pol
