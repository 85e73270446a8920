import { deepmerge } from '@mui/utils';
import { defaultLightTheme, type RaThemeOptions } from 'react-admin';

/**
 * A dense console: collectors scan long lists of numbers, so rows are short, figures use
 * tabular digits, and colour is kept for meaning (priority, status) rather than decoration.
 */
export const theme: RaThemeOptions = deepmerge(defaultLightTheme, {
  palette: {
    primary: { main: '#1f5132' },
    secondary: { main: '#2a3f54' },
    background: { default: '#f4f5f3' },
  },
  typography: {
    fontSize: 13,
    fontFamily: '"Inter", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    h6: { fontWeight: 600 },
  },
  sidebar: { width: 180, closedWidth: 50 },
  components: {
    MuiTableCell: {
      styleOverrides: {
        root: { padding: '4px 5px', fontSize: 12.5, lineHeight: 1.35 },
        head: { fontWeight: 600, color: '#37474f', backgroundColor: '#fafafa', lineHeight: 1.2, verticalAlign: 'bottom' },
        sizeSmall: { padding: '3px 5px' },
      },
    },
    MuiTableRow: { styleOverrides: { root: { '&:last-child td': { borderBottom: 0 } } } },
    MuiAppBar: { styleOverrides: { colorSecondary: { backgroundColor: '#1f3a2b', color: '#fff' } } },
    MuiButton: { defaultProps: { size: 'small' } },
    MuiChip: { styleOverrides: { labelSmall: { fontSize: 12 } } },
    MuiCard: { styleOverrides: { root: { borderRadius: 6 } } },
    MuiTab: { styleOverrides: { root: { minHeight: 40, textTransform: 'none', fontWeight: 600 } } },
    MuiTabs: { styleOverrides: { root: { minHeight: 40 } } },
    RaDataTable: { defaultProps: { size: 'small' }, styleOverrides: { root: { '& .RaDataTable-tableWrapper': { overflowX: 'auto' } } } },
    RaList: { styleOverrides: { root: { '& .RaList-main': { minWidth: 0 } } } },
    // A table wider than the window scrolls inside its card; the page and app bar keep the window's width.
    RaLayout: { styleOverrides: { root: { minWidth: 0, '& .RaLayout-content': { minWidth: 0 } } } },
  },
} as RaThemeOptions);
