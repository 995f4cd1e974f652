" Vim syntax file for polc policies (docs/LANGUAGE.md).
" Token classes follow lang/lexer.l; tests/editors/grammar_test.py checks every keyword
" of the lexer is listed here and that the patterns below mark every token of the bundled
" policies with its class.  Install: copy syntax/ and ftdetect/ into ~/.vim/.
if exists("b:current_syntax")
  finish
endif

syn keyword polDeclaration policy const let attribute identity source category choose
syn keyword polDeclaration collection window restate unlisted rule addon example extern assume period
syn keyword polOperatorWord and or not in of one
syn keyword polConditional if else then
syn keyword polBoolean true false
syn keyword polKeyword when otherwise worth rest lowest highest first last days months
syn keyword polKeyword start end wait surcharge free payable required optional addons
syn keyword polKeyword tiers paid by resident expect funding matched cite accepted counted as overrides others unstated instead
syn keyword polUnit yuan
syn match polUnit "元"

syn match polIdentifier "\v<[A-Za-z_][A-Za-z0-9_]*>" contains=NONE
syn match polNumber "\v<[0-9]+(\.[0-9]+)?>"
syn match polPercent "\v<[0-9]+(\.[0-9]+)?\%"
syn match polMoney "\v<[0-9]+(\.[0-9]+)?\s*(yuan>|元)"
syn match polDate "\v<[0-9]{4}-[0-9]{2}-[0-9]{2}>"
syn match polOperator "\v\.\.|\=\=|!\=|\<\=|\>\=|[<>+*=:-]"
syn match polString "\v\"([^\"\\]|\\.)*\""
syn match polComment "\v#.*$" contains=@Spell

hi def link polDeclaration Structure
hi def link polOperatorWord Operator
hi def link polConditional Conditional
hi def link polBoolean Boolean
hi def link polKeyword Keyword
hi def link polUnit Type
hi def link polIdentifier Identifier
hi def link polNumber Number
hi def link polPercent Number
hi def link polMoney Number
hi def link polDate Constant
hi def link polOperator Operator
hi def link polString String
hi def link polComment Comment

let b:current_syntax = "pol"
