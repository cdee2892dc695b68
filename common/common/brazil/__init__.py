"""Brazilian facts the services share: payer documents (CPF/CNPJ), the Pix BR Code, card installment plans."""
