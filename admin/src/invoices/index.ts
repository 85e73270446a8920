import ReceiptLongIcon from '@mui/icons-material/ReceiptLong';
import { InvoiceList } from './InvoiceList';
import { InvoiceShow } from './InvoiceShow';

export default {
  list: InvoiceList,
  show: InvoiceShow,
  icon: ReceiptLongIcon,
  recordRepresentation: (record: { invoice_number: string }) => `Invoice ${record.invoice_number}`,
};
